//===- MPQToNeon.cpp - --lower-to-neon ------------------------------------===//

#include "mpq/Conversion/MPQToNeon/MPQToNeon.h"
#include "mpq/Conversion/Passes.h"
#include "mpq/Dialect/MPQ/IR/MPQOps.h"
#include "mpq/Support/CIdentifier.h"

namespace mpq {
#define GEN_PASS_DEF_MPQLOWERTONEONPASS
#include "mpq/Conversion/Passes.h.inc"
} // namespace mpq

using namespace mlir;
using namespace mpq;

namespace {

struct LowerToNeonPass
    : public mpq::impl::MPQLowerToNeonPassBase<LowerToNeonPass> {
  using MPQLowerToNeonPassBase::MPQLowerToNeonPassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (std::string why = checkCSymbolPrefix(symbolPrefix); !why.empty()) {
      module.emitError("lower-to-neon: name: ") << why;
      return signalPassFailure();
    }
    llvm::Expected<TargetDescription> t =
        targetFile.empty() ? lookupTarget(target, targetsDir)
                           : loadTargetDescription(targetFile);
    if (!t) {
      module.emitError("lower-to-neon: ") << llvm::toString(t.takeError());
      return signalPassFailure();
    }
    if (t->arch != "aarch64") {
      module.emitError("lower-to-neon: target '")
          << t->name << "' is " << t->arch << ", not aarch64";
      return signalPassFailure();
    }
    if (!t->hasFeature("neon")) {
      module.emitError("lower-to-neon: target '")
          << t->name << "' lacks the neon feature";
      return signalPassFailure();
    }
    if (failed(checkQuantized(module, entry)) ||
        failed(checkTargetWidths(module, *t)))
      return signalPassFailure();
    std::unique_ptr<GemmMicrokernel> gemm =
        createNeonMicrokernel(selectNeonKernel(*t));
    KernelLoweringOptions opts;
    opts.symbolPrefix = symbolPrefix;
    opts.entry = entry;
    opts.gemm = gemm.get();
    if (failed(lowerToKernels(module, opts)))
      return signalPassFailure();
    // Record the target so the object writer needs nothing else.
    Builder b(module.getContext());
    module->setAttr("mpq.target", b.getStringAttr(t->name));
    module->setAttr("llvm.target_triple", b.getStringAttr(t->triple));
    if (!toLLVM)
      return;
    OpPassManager pm(ModuleOp::getOperationName());
    buildKernelsToLLVMPipeline(pm);
    if (failed(runPipeline(pm, module)))
      return signalPassFailure();
  }
};

} // namespace
