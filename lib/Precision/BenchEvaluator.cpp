//===- BenchEvaluator.cpp - time the precision search's evaluations -------===//
//
// --mpq-bench-evaluator: evaluations per second of the loss evaluator for a
// change to the first layer (the whole network re-runs) and to the last one
// (only the end of the network re-runs, from cached activations).
//
//===----------------------------------------------------------------------===//

#include "mpq/Dialect/MPQ/IR/MPQInterfaces.h"
#include "mpq/Executor/Npy.h"
#include "mpq/Precision/LossEvaluator.h"
#include "mpq/Precision/Passes.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>

namespace mpq {
#define GEN_PASS_DEF_MPQBENCHEVALUATORPASS
#include "mpq/Precision/Passes.h.inc"
} // namespace mpq

using namespace mlir;
using namespace mpq;
using namespace mpq::precision;

namespace {

struct MPQBenchEvaluatorPass
    : public mpq::impl::MPQBenchEvaluatorPassBase<MPQBenchEvaluatorPass> {
  using MPQBenchEvaluatorPassBase::MPQBenchEvaluatorPassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto fn = module.lookupSymbol<func::FuncOp>(entry);
    if (!fn) {
      module.emitError() << "no function @" << std::string(entry);
      return signalPassFailure();
    }
    if (samples < 1) {
      module.emitError() << "samples must be positive, got "
                         << int64_t(samples);
      return signalPassFailure();
    }
    llvm::Expected<Tensor> x = readNpyFile(data);
    if (!x) {
      module.emitError() << "data: " << llvm::toString(x.takeError());
      return signalPassFailure();
    }
    if (x->getKind() != ElementKind::F32 || x->getRank() < 1 ||
        x->getShape()[0] < 1) {
      module.emitError() << "data must be a float32 array [samples, ...]";
      return signalPassFailure();
    }
    int64_t n = std::min<int64_t>(samples, x->getShape()[0]);
    LayerQuantOptions q;
    q.rounding = WeightRounding::Nearest;
    auto start = std::chrono::steady_clock::now();
    FailureOr<std::unique_ptr<FakeQuantEvaluator>> e =
        FakeQuantEvaluator::create(module, fn, x->sliceDim0(0, n),
                                   std::nullopt, LossKind::KL, batchSize, q);
    if (failed(e))
      return signalPassFailure();
    double setup = std::chrono::duration<double>(
                       std::chrono::steady_clock::now() - start)
                       .count();
    unsigned layers = (*e)->getNumLayers();
    if (!layers) {
      module.emitError() << "no quantizable layer";
      return signalPassFailure();
    }
    // Evaluations per second of W4A8 on one layer (quantization cached by
    // a first, untimed evaluation).
    auto rate = [&](unsigned layer) -> FailureOr<std::pair<double, int>> {
      LayerOverride o{layer, 4, 8, false};
      if (failed((*e)->evaluate({o})))
        return failure();
      int count = 0;
      auto t0 = std::chrono::steady_clock::now();
      double elapsed = 0;
      do {
        if (failed((*e)->evaluate({o})))
          return failure();
        ++count;
        elapsed = std::chrono::duration<double>(
                      std::chrono::steady_clock::now() - t0)
                      .count();
      } while (elapsed < seconds);
      return std::make_pair(double(count) / elapsed, count);
    };
    FailureOr<std::pair<double, int>> whole = rate(0);
    FailureOr<std::pair<double, int>> last = rate(layers - 1);
    if (failed(whole) || failed(last))
      return signalPassFailure();
    llvm::errs() << llvm::format(
        "mpq-bench-evaluator: %lld samples, %u layers, setup %.2f s; "
        "first layer changed (whole network): %.3f evals/s (%d); last layer "
        "changed: %.3f evals/s (%d); ratio %.1f\n",
        static_cast<long long>(n), layers, setup, whole->first,
        whole->second, last->first, last->second,
        last->first / whole->first);
  }
};

} // namespace
