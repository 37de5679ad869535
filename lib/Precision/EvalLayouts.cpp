//===- EvalLayouts.cpp - loss of given per-layer widths ------------------===//
//
// --mpq-eval-layouts: the loss evaluator of --assign-precision, driven by a
// file of layouts, for benchmarks that need losses the search does not
// report (papers.md claims: input-only and weight-only perturbations,
// random layouts, pairwise terms on held-out data).
//
//===----------------------------------------------------------------------===//

#include "mpq/Dialect/MPQ/IR/MPQInterfaces.h"
#include "mpq/Executor/Npy.h"
#include "mpq/Precision/LossEvaluator.h"
#include "mpq/Precision/Passes.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cmath>

namespace mpq {
#define GEN_PASS_DEF_MPQEVALLAYOUTSPASS
#include "mpq/Precision/Passes.h.inc"
} // namespace mpq

using namespace mlir;
using namespace mpq;
using namespace mpq::precision;

namespace {

/// Parses one line of the layouts file into overrides; returns an error
/// message on a malformed token.
std::string parseLayout(StringRef line, unsigned numLayers,
                        std::vector<LayerOverride> &out) {
  line = line.split('#').first.trim();
  if (line == "float")
    return "";
  SmallVector<StringRef> tokens;
  line.split(tokens, ' ', -1, /*KeepEmpty=*/false);
  for (StringRef tok : tokens) {
    SmallVector<StringRef> f;
    tok.split(f, ':');
    LayerOverride o;
    if (f.size() < 3 || f.size() > 4 || f[0].getAsInteger(10, o.layer) ||
        f[1].getAsInteger(10, o.weightBits) ||
        f[2].getAsInteger(10, o.actBits) || (f.size() == 4 && f[3] != "m"))
      return ("bad token '" + tok + "' (expected L:W:A or L:W:A:m)").str();
    o.mirror = f.size() == 4;
    if (o.layer >= numLayers)
      return ("layer " + Twine(o.layer) + " out of range (" +
              Twine(numLayers) + " layers)")
          .str();
    for (unsigned w : {o.weightBits, o.actBits})
      if (w != 0 && (w < 2 || w > 8))
        return ("width " + Twine(w) + " in '" + tok +
                "' must be 0 (float) or 2..8")
            .str();
    out.push_back(o);
  }
  return "";
}

struct MPQEvalLayoutsPass
    : public mpq::impl::MPQEvalLayoutsPassBase<MPQEvalLayoutsPass> {
  using MPQEvalLayoutsPassBase::MPQEvalLayoutsPassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto fn = module.lookupSymbol<func::FuncOp>(entry);
    if (!fn || fn.isExternal()) {
      module.emitError() << "no function @" << std::string(entry)
                         << " with a body";
      return signalPassFailure();
    }
    if (samples < 1) {
      module.emitError() << "samples must be positive, got "
                         << int64_t(samples);
      return signalPassFailure();
    }
    if (std::string(out).empty()) {
      module.emitError() << "out=FILE is required";
      return signalPassFailure();
    }
    llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> text =
        llvm::MemoryBuffer::getFile(std::string(layouts));
    if (!text) {
      module.emitError() << "layouts: cannot read '" << std::string(layouts)
                         << "': " << text.getError().message();
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
    std::optional<Tensor> y;
    if (!std::string(labels).empty()) {
      llvm::Expected<Tensor> t = readNpyFile(labels);
      if (!t) {
        module.emitError() << "labels: " << llvm::toString(t.takeError());
        return signalPassFailure();
      }
      if (t->getKind() == ElementKind::F32 || t->getRank() != 1 ||
          t->getShape()[0] < n) {
        module.emitError() << "labels must be a 1-D integer array with at "
                              "least "
                           << n << " entries, got " << t->getTypeString();
        return signalPassFailure();
      }
      y = t->sliceDim0(0, n);
    }
    // Parse every layout before the (slow) evaluator is built.
    unsigned numLayers = getQuantizableLayers(fn).size();
    std::vector<std::vector<LayerOverride>> all;
    SmallVector<StringRef> lines;
    (*text)->getBuffer().split(lines, '\n');
    for (auto [i, line] : llvm::enumerate(lines)) {
      if (line.split('#').first.trim().empty())
        continue; // blank lines and comments
      std::vector<LayerOverride> o;
      std::string err = parseLayout(line, numLayers, o);
      if (!err.empty()) {
        module.emitError() << "layouts line " << (i + 1) << ": " << err;
        return signalPassFailure();
      }
      all.push_back(std::move(o));
    }
    LayerQuantOptions q;
    q.rounding = rounding;
    q.biasCorrection = biasCorrection;
    FailureOr<std::unique_ptr<FakeQuantEvaluator>> e =
        FakeQuantEvaluator::create(module, fn, x->sliceDim0(0, n),
                                   std::move(y),
                                   std::string(labels).empty() ? LossKind::KL
                                                  : LossKind::CrossEntropy,
                                   batchSize, q);
    if (failed(e))
      return signalPassFailure();
    std::error_code ec;
    llvm::raw_fd_ostream os(out, ec, llvm::sys::fs::OF_Text);
    if (ec) {
      module.emitError() << "out: cannot write '" << std::string(out)
                         << "': " << ec.message();
      return signalPassFailure();
    }
    auto last = std::chrono::steady_clock::now();
    for (auto [i, o] : llvm::enumerate(all)) {
      FailureOr<double> loss = (*e)->evaluate(o);
      if (failed(loss))
        return signalPassFailure();
      double acc = std::string(labels).empty() ? NAN : (*e)->getLastAccuracy();
      os << llvm::format("%.9g %.6f\n", *loss, acc);
      auto now = std::chrono::steady_clock::now();
      if (i + 1 == all.size() ||
          std::chrono::duration<double>(now - last).count() >= 1.0) {
        last = now;
        llvm::errs() << "mpq-eval-layouts: " << (i + 1) << "/" << all.size()
                     << "\n";
      }
    }
    llvm::errs() << "mpq-eval-layouts: " << n << " samples, float loss "
                 << (*e)->getFloatLoss() << "\n";
  }
};

} // namespace
